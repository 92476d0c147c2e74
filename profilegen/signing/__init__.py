"""Signing and verifying configuration profiles (CMS SignedData), in pure Python.

cms (parse, asn1crypto) · keys (what makes a certificate fit) · trust (chain to a bundle) ·
verify · identity (cert/key/.p12) · sign · drift (signed output of variants). cryptography is
imported inside functions only, so `profilegen --help` never loads it.

May import: core, rules.
"""
