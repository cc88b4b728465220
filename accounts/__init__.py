"""Who someone is and how they prove it: sign-in, two-factor, lockouts, API tokens and the partner API plumbing."""
