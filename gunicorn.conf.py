"""Gunicorn settings for the refuge locator.

The access log keeps the method, the path and the status, never the query
string (the nearest lookup carries the visitor's position) nor the client
address.
"""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
