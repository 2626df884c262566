"""File -> sheets -> cells -> header -> line items; the amount rule lives here, once."""
