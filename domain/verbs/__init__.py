"""The ledger's verbs, one module per part of the measures, composed in ``domain.ledger``."""
