"""Shared plumbing: errors, terminal-safe text, secret scrubbing, credentials, the
--password-stdin reader, atomic file writes, the worker pool and the one HTTP transport.
Nothing here knows Jamf Connect or Entra ID.

May import: nothing.
"""
