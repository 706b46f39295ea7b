"""frontlines: conflict news in, sourced ACLED-coded events and a control timeline out."""

__version__ = "0.1.0"
