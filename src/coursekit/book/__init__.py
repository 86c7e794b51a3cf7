"""The book: the `{quiz}` MyST plugin and `coursekit book`."""
