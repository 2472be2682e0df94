"""Every table, imported here so the metadata (and Alembic) sees all of them."""

from engine.persistence.models.agreement import Agreement
from engine.persistence.models.agreement_case_link import AgreementCaseLink
from engine.persistence.models.agreement_document import AgreementDocument
from engine.persistence.models.agreement_notice import AgreementNotice
from engine.persistence.models.agreement_period import AgreementPeriod
from engine.persistence.models.agreement_review import AgreementReview
from engine.persistence.models.agreement_template import AgreementTemplate
from engine.persistence.models.agreement_termination import AgreementTermination
from engine.persistence.models.audit import AuditEvent
from engine.persistence.models.calendar_feed import CalendarFeed
from engine.persistence.models.case import Case, WorkflowSpec, WorkflowState
from engine.persistence.models.case_migration import CaseMigration
from engine.persistence.models.case_participant import CaseParticipant
from engine.persistence.models.credential import ApiToken, Invitation
from engine.persistence.models.department import Department
from engine.persistence.models.human_task import HumanTask
from engine.persistence.models.login_attempt import LoginAttempt
from engine.persistence.models.mail_outbox import MailOutbox
from engine.persistence.models.notification import Notification
from engine.persistence.models.notification_preference import NotificationPreference
from engine.persistence.models.organisation import Organisation
from engine.persistence.models.partnership_meeting import PartnershipMeeting
from engine.persistence.models.partnership_result import PartnershipResult
from engine.persistence.models.process_draft import ProcessDraft
from engine.persistence.models.process_version import ProcessVersion
from engine.persistence.models.project import Project
from engine.persistence.models.registration_attempt import RegistrationAttempt
from engine.persistence.models.signed_copy import SignedCopy
from engine.persistence.models.user import UserAccount, user_department

__all__ = [
    "AgreementCaseLink", "AgreementNotice", "AgreementPeriod", "AgreementReview", "AgreementTermination",
    "PartnershipMeeting", "PartnershipResult",
    "AgreementDocument", "AgreementTemplate", "CalendarFeed", "SignedCopy",
    "Agreement", "ApiToken", "AuditEvent", "Case", "CaseMigration", "CaseParticipant", "Department", "HumanTask",
    "Invitation", "LoginAttempt", "MailOutbox", "Notification",
    "NotificationPreference", "Organisation", "ProcessDraft", "ProcessVersion", "Project",
    "RegistrationAttempt",
    "UserAccount", "WorkflowSpec", "WorkflowState", "user_department",
]
