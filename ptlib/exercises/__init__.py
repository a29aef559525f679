"""Check functions for the notebooks' exercises: each says right or wrong, and *why* when wrong.

One module per notebook (``start_here`` for 00, ...); every check returns a :class:`Feedback`,
which shows as a coloured line in Jupyter and as plain text elsewhere, and is truthy when right.
"""

from .feedback import Feedback, as_number, as_numbers, as_vector, as_whole, check

__all__ = ["Feedback", "as_number", "as_numbers", "as_vector", "as_whole", "check"]
