"""The helpdesk's domain: calls, statuses, settings, their rules and errors.

Plain Python only. Nothing here imports SQLAlchemy or Spyne.
"""
