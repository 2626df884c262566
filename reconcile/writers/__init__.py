"""Writers render a :class:`reconcile.models.Result`; they never compute a figure or decide a status."""
