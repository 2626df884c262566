"""Which files a run reads, and refusing hostile ones before any parse."""
