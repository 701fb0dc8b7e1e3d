"""Gunicorn settings for the refuge locator: WEB_CONCURRENCY workers of
GUNICORN_THREADS threads each.

The access log keeps the method, the path and the status, never the query
string (the nearest lookup carries the visitor's position) nor the client
address.
"""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads, so that staff work (a 2 MB upload being checked, a long import)
# holds one thread, not a whole worker, and public lookups go on beside it
# (bench/staff_load.py measures it).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
