"""One module per tab of the web page; each ``build(page)`` lays out its tab and wires its handlers."""
