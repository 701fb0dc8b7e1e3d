"""The public face: the pages for a phone, the JSON API v1 and its OpenAPI
document, and the presenters both share."""
