"""The pure core: vocabularies, the merchant schema, the territory, distances,
opening hours, phone numbers and the visibility rule. Plain typed values in
and out; no Flask, no database."""
