"""The bundled demo estate: a deterministic generator of messy source systems with ground truth.

    from customer_unification.lib.demo import generate_demo_estate
    generate_demo_estate("data/demo", people=10_000, seed=7)
"""

from customer_unification.lib.demo.generate import generate_demo_estate

__all__ = ["generate_demo_estate"]
