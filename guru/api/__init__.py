"""Guru's admin API (/api/admin/): one module per area, thin views over services and selectors."""
