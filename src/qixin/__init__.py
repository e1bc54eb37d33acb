"""旗心 (Qixin): grassroots party-building work run from live data."""
