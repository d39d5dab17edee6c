"""The member page (会员中心): a phone site served by head office, and what it needs
(SMS sign-in, member codes, e-receipts, messages)."""
