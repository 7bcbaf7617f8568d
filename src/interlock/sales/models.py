"""Sales: pipelines and stages, products and price lists, deals, quotes.

Money is ``Decimal`` with an ISO 4217 currency; ranges live in database
check constraints first (quantities never negative, percentages 0–100).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from interlock.core.trash import Trashable

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code such as EUR."))
ZERO = 0


class Pipeline(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_pipeline"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("open")
        WON = "won", _("won")
        LOST = "lost", _("lost")

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability %"), default=0, validators=[MaxValueValidator(100)]
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.OPEN)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_name_per_pipeline"),
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100), name="stage_probability"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["open", "won", "lost"]), name="stage_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LostReason(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _free_goods_rule(prefix: str) -> list[models.BaseConstraint]:
    """Buy N get M free: both set (N ≥ 1, M ≥ 1) or both empty."""
    return [
        models.CheckConstraint(
            condition=(Q(buy_quantity__isnull=True) & Q(free_quantity__isnull=True))
            | (Q(buy_quantity__gte=1) & Q(free_quantity__gte=1)),
            name=f"{prefix}_free_goods_rule",
        )
    ]


class FreeGoodsRule(models.Model):
    buy_quantity = models.PositiveIntegerField(
        _("buy quantity"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    free_quantity = models.PositiveIntegerField(
        _("free quantity"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        abstract = True

    @property
    def free_goods(self) -> tuple[int, int] | None:
        if self.buy_quantity and self.free_quantity:
            return (self.buy_quantity, self.free_quantity)
        return None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (self.buy_quantity is None) != (self.free_quantity is None):
            raise ValidationError(
                {"free_quantity": _("Give both “buy” and “free” quantities, or neither.")}
            )


class Product(FreeGoodsRule):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="pc")
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = _free_goods_rule("product")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class PriceList(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_code]
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_price_list"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="price_list_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class PriceListItem(FreeGoodsRule):
    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="prices"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="one_price_per_list"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_not_negative"),
            *_free_goods_rule("price_item"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.unit_price}"


class Deal(Trashable):
    title = models.CharField(_("title"), max_length=200)
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_deals",
    )
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_code]
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    won_at = models.DateTimeField(_("won at"), null=True, blank=True)
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)
    products = models.ManyToManyField(
        Product, through="DealProduct", verbose_name=_("products"), blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["pipeline", "stage"]),
            models.Index(fields=["won_at"]),
            models.Index(fields=["lost_at"]),
            models.Index(fields=["owner"]),
        ]

    def __str__(self) -> str:
        return self.title


class DealProduct(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="deal_products")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deal", "product"], name="deal_product_once"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="deal_product_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.product_id} × {self.quantity}"


class DealStageChange(models.Model):
    """Append-only: who moved a deal from which stage to which, and when."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("stage changes are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class QuoteCounter(models.Model):
    """One row per year: the last quote number handed out (locked while allocating)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Quote(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="quotes"
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("price list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_code]
    )
    tax_rate = models.DecimalField(_("tax rate %"), max_digits=5, decimal_places=2, default=19)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, default="de")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="quote_tax_rate"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class QuoteLine(FreeGoodsRule):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"))
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    list_price = models.DecimalField(
        _("list price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=0
    )
    discount_amount = models.DecimalField(
        _("discount amount"), max_digits=12, decimal_places=2, default=0
    )
    is_free_goods = models.BooleanField(_("free goods"), default=False)
    parent_line = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="free_lines"
    )

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="quote_line_position"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="quote_line_qty"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quote_line_price"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="quote_line_discount_percent",
            ),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=0), name="quote_line_discount_amount"
            ),
            models.CheckConstraint(
                condition=Q(is_free_goods=False) | (Q(parent_line__isnull=False) & Q(unit_price=0)),
                name="quote_free_line_has_parent",
            ),
            *_free_goods_rule("quote_line"),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id}/{self.position}"


from interlock.sales.models_handover import DealHandover  # noqa: E402, F401
