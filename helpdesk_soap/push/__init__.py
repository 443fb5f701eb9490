"""Pushing customer-visible changes to the customers' ticket systems (issue 27)."""
