"""Analysis stages: pure functions ``Document -> Document`` that only add annotations."""
