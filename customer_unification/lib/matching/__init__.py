"""Identity resolution: deterministic rules, probabilistic (Fellegi-Sunter) matching, clustering, stable ids."""
