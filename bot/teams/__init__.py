"""The Microsoft Teams adapter (Teams SDK for Python): parse activities, call the shared
services, render their views as Adaptive Cards. No practice or review rule lives here."""
