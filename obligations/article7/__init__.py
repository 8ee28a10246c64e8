"""CCM Article 7 transparency reports: the reporting calendar and its reminder, a draft per
calendar year pre-filled from what the coalition recorded (only validated figures count), the
checks before sending, the PDF and the editable .docx, and the frozen submitted report. The models
live in obligations/models.py; the pages in templates/obligations/article7/.
"""
