"""The baccalaureate's items in the reference table and the code that reads and writes them."""
