"""Community Trigger applications are not in the Django admin: they hold applicants' and victims' personal
data and are worked on in the service's own screens (tests/security/test_admin_site.py). Local rules
(threshold, deadlines) are settings: triggers/conf.py."""
