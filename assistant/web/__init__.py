"""Bronwijs as a service: the shared process state, the REST API, the MCP server and (``bronwijs
serve``) the web page, all on one ``Assistant`` per process."""
