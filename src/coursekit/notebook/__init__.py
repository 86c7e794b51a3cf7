"""What runs in a student's kernel: the quiz helper, the widget and the answers file. Never imports the key."""
