"""Printable outputs for people: weekly volunteer schedules as HTML, PDF, XLSX, CSV, ICS and Telegram text."""

from .weekly import ics_text, schedule_pdfs, telegram_message, write_schedules, write_xlsx

__all__ = ["ics_text", "schedule_pdfs", "telegram_message", "write_schedules", "write_xlsx"]
