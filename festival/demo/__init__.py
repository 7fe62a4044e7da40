"""The demo: real administrative units, two editions with festivals, and accounts to try them with."""
