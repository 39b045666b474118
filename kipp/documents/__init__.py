"""Documents: certificates, score sheets and the jobs that render them in Celery workers."""
