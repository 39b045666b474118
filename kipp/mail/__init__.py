"""Mail. The outbox (kipp.mail.outbox: `enqueue`), absolute links (kipp.mail.links:
`public_url`), the transports (kipp.mail.transport), how the workers send (kipp.mail.sending),
the secretariat's reads and retries (kipp.mail.queries, kipp.mail.services); the features that
mail people add their own modules here."""
