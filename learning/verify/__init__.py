"""Public verification of certificates and marksheets: JSON for machines, HTML pages for
people (a certificate's QR code opens its page)."""
