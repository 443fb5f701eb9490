"""The e-mail adapter: MIME in (pipe, Maildir, IMAP, SMTP listener), SMTP out.

Parsing turns bytes into ``domain.mail.InboundMail``; ``services.mail`` decides
what the message is; nothing here holds a business rule.
"""
