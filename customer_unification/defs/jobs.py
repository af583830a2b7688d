"""Jobs a user launches by name (the UI can also materialise any selection)."""

import dagster as dg

unify_all = dg.define_asset_job(
    "unify_all",
    selection=dg.AssetSelection.all(),
    description="Everything, sources to the last layer, on the configured warehouse.",
)
