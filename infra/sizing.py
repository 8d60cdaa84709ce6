"""How big each Lambda function is, and why. ``make bench`` prints the figures behind the choice.

Lambda gives a function CPU in proportion to its memory (one full vCPU at 1,769 MB). The app's work per
callback is mostly CPU, so below 1,769 MB a callback takes longer in the same proportion and costs about the
same (GB-seconds); what grows with memory is the price of the time spent waiting on DynamoDB. The smallest
size that keeps every callback well inside its limits is therefore the cheapest: at 1,000 transfers per
conversation ``bench/invoices.py`` estimates about 1 s for the longest callback at 512 MB (QBWC waits on
each callback, API Gateway allows 29 s and ``lambda_timeout`` is 28 s; the product's own bar is 10 s).
"""

from __future__ import annotations

# The sizes ``make bench`` compares, smallest first, and the longest a callback may take at the chosen one.
MEMORY_SIZES_MB = (512, 1024, 1769)
MAX_CALLBACK_SECONDS = 10.0
# What the stack deploys: the cheapest of MEMORY_SIZES_MB keeping every callback under MAX_CALLBACK_SECONDS.
LAMBDA_MEMORY_MB = 512
