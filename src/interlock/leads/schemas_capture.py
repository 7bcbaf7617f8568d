"""API schemas of lead capture and capture forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from ninja import Field, Schema

from interlock.core.schemas import DbId, PatchSchema, Text

Short = Annotated[Text, Field(max_length=100)]
Language = Literal["de", "en"]


class LeadIn(Schema):
    """One lead: e-mail (or at least phone) required; the rest fills gaps."""

    email: Annotated[Text, Field(max_length=254)] = ""
    phone: Annotated[Text, Field(max_length=40)] = ""
    first_name: Short = ""
    last_name: Short = ""
    company: Annotated[Text, Field(max_length=200)] = ""
    domain: Annotated[Text, Field(max_length=253)] = ""
    title: Annotated[Text, Field(max_length=150)] = ""
    country: Annotated[Text, Field(max_length=60, description="ISO code or English name.")] = ""
    campaign_id: DbId | None = Field(None, description="Campaign id; or give utm_campaign.")
    utm_source: Short = ""
    utm_medium: Short = ""
    utm_campaign: Short = Field("", description="Also finds the campaign by its UTM name.")
    utm_term: Short = ""
    utm_content: Short = ""
    consent_text: Annotated[Text, Field(max_length=5000)] = Field(
        "", description="The consent text the person saw and agreed to, verbatim."
    )
    source: Annotated[Text, Field(max_length=20)] = Field(
        "", description="web_form, api, import, event, referral, partner, outbound, other."
    )
    newsletter_only: bool = Field(False, description="Subscriber, not (yet) a lead.")


class LeadOut(Schema):
    capture_id: int
    status: str = Field(description="pending (stored, the worker processes it), done, failed")
    contact_id: int | None
    created: bool
    stage: str
    grade: str
    assignee_id: int | None
    team_id: int | None
    error: str = ""
    status_url: str = ""


class CaptureFormOut(Schema):
    id: int
    name: str
    key: str
    campaign_id: int | None
    allowed_origins: list[str]
    consent_text: str
    thank_you: str
    redirect_url: str
    language: str
    active: bool
    post_url: str
    created_at: datetime


class CaptureFormIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    campaign_id: DbId | None = None
    allowed_origins: list[Annotated[Text, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    consent_text: Annotated[Text, Field(max_length=5000)] = ""
    thank_you: Annotated[Text, Field(max_length=300)] = ""
    redirect_url: Annotated[Text, Field(max_length=200)] = ""
    language: Language = "de"
    active: bool = True


class CaptureFormPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = ("campaign_id",)

    name: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    campaign_id: DbId | None = None
    allowed_origins: list[Annotated[Text, Field(max_length=200)]] | None = Field(
        None, max_length=50
    )
    consent_text: Annotated[Text, Field(max_length=5000)] | None = None
    thank_you: Annotated[Text, Field(max_length=300)] | None = None
    redirect_url: Annotated[Text, Field(max_length=200)] | None = None
    language: Language | None = None
    active: bool | None = None
