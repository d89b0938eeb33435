"""Course certificates: eligibility from Guru's rules, issue (charged once), revocation, the
PDF with its QR code, and public verification."""
