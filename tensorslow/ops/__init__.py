"""Op definitions. Each module defines ops with their gradients side by side."""
