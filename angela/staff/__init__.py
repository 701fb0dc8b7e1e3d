"""The staff face under /staff/: login and the guard every page passes,
merchants, imports and exports, accounts and the audit log."""
