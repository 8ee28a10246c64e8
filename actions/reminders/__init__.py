"""The schedule of action point mails, one job per module:

- candidates.py: finding what is due (mid-term periods, due-soon, overdue, new action points);
- recording.py: recording it as rows in batches (the sweep), each row's unique key the claim;
- digests.py: the daily and weekly digests that are due, recorded in rounds;
- sending.py: what each mail holds, sent through the mail pipeline (mail/pipeline.py).
"""
