"""Nothing of the CS MARAC is in the Django admin: meetings, referrals, panel lists and reviews are case
data, worked on in the MARAC screens through casework.access (tests/security/test_admin_site.py)."""
