//! Form errors as a form shows them: each on its form control, its message led by the control's
//! label ("Title: This field is required."), so that the error summary says what is wrong where.
//!
//! A form lists its labels once, by the field its validation errors name, and turns an error
//! into what the page shows with [`FieldLabels::errors`]:
//!
//! ```ignore
//! const LABELS: &[(&str, &str)] = &[("title", "dialogue-idea-title"), ("body", "dialogue-idea-body")];
//! let errors = FieldLabels::keys(&page, LABELS).errors(&page, &err);
//! ```
//!
//! The templates draw the fields with the macros of `templates/ui.html`.

use crate::error::{Error, FieldError};
use crate::i18n::Lang;
use crate::web::{FormErrors, Page, ShownError};

/// Where a form shows the errors on one field, and what it calls that field.
#[derive(Clone, Debug)]
pub struct FieldLabel {
    /// The id of the form control, which the error summary links to.
    pub control: String,
    /// The control's label in the page's language.
    pub label: String,
}

/// A form's labels, by the field its validation errors name.
#[derive(Clone, Debug, Default)]
pub struct FieldLabels(Vec<(String, FieldLabel)>);

impl FieldLabels {
    /// Labels by message key, for fields drawn by a control of their own name: `(field, key)`.
    pub fn keys(page: &Page, table: &[(&str, &str)]) -> Self {
        Self(
            table
                .iter()
                .map(|(field, key)| (field.to_string(), label(field, page.t(key))))
                .collect(),
        )
    }

    /// Labels by message key, for fields whose errors show on a control of another name (a
    /// bilingual text's on its English box): `(field, control, key)`.
    pub fn controls(page: &Page, table: &[(&str, &str, &str)]) -> Self {
        Self(
            table
                .iter()
                .map(|(field, control, key)| (field.to_string(), label(control, page.t(key))))
                .collect(),
        )
    }

    /// Labels `field` with text already in the page's language (a name from the database); it
    /// replaces a label the field had.
    pub fn label(mut self, field: impl Into<String>, text: impl Into<String>) -> Self {
        let field = field.into();
        let entry = label(&field, text.into());
        match self.0.iter_mut().find(|(f, _)| *f == field) {
            Some((_, old)) => *old = entry,
            None => self.0.push((field, entry)),
        }
        self
    }

    /// What the form calls `field`: its own label, or else that of the list it is an entry of
    /// (`origin_ideas[2]` is shown as `origin_ideas`).
    pub fn get(&self, field: &str) -> Option<&FieldLabel> {
        let find = |name: &str| self.0.iter().find(|(f, _)| f == name).map(|(_, l)| l);
        find(field).or_else(|| find(field.split('[').next().unwrap_or_default()))
    }

    /// The field errors of `err` as the form shows them; an error on a field without a label
    /// stays on that field, its message bare.
    pub fn errors(&self, page: &Page, err: &Error) -> FormErrors {
        labelled(page.lang, err.field_errors(), |field| {
            self.get(field).cloned()
        })
    }
}

fn label(control: &str, text: String) -> FieldLabel {
    FieldLabel {
        control: control.to_string(),
        label: text,
    }
}

/// Field errors as a form shows them, in the order given: each on the control `label_of` names
/// for its field and led by that control's label; an error on a field `label_of` does not know
/// stays on that field, its message bare. For forms whose labels follow a rule rather than a
/// table; the others use [`FieldLabels`].
pub fn labelled<'e>(
    lang: Lang,
    fields: impl IntoIterator<Item = &'e FieldError>,
    label_of: impl Fn(&str) -> Option<FieldLabel>,
) -> FormErrors {
    FormErrors(
        fields
            .into_iter()
            .map(|f| {
                let message = lang.msg(&f.msg);
                match label_of(&f.field) {
                    Some(FieldLabel { control, label }) => ShownError {
                        field: control,
                        message: lang.labelled(&label, &message),
                    },
                    None => ShownError {
                        field: f.field.clone(),
                        message,
                    },
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_led_by_their_label_on_their_control() {
        let err = Error::Validation(vec![
            FieldError::new("title", "error-required"),
            FieldError::new("origin_ideas[1]", "error-required"),
            FieldError::new("other", "error-required"),
        ]);
        let labels = FieldLabels::default()
            .label("origin_ideas", "Ideas")
            .label("title", "Title");
        let title = |field: &str| {
            (field == "title").then(|| FieldLabel {
                control: "title_en".into(),
                label: "Title".into(),
            })
        };
        let shown = labelled(Lang::En, err.field_errors(), |field| {
            title(field).or_else(|| labels.get(field).cloned())
        });
        let required = Lang::En.t("error-required");
        let got: Vec<(&str, &str)> = shown
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(got[0], ("title_en", &*format!("Title: {required}")));
        assert_eq!(got[1], ("origin_ideas", &*format!("Ideas: {required}")));
        assert_eq!(got[2], ("other", &*required));
    }

    #[test]
    fn a_later_label_replaces_an_earlier_one() {
        let labels = FieldLabels::default()
            .label("ideas", "Vote")
            .label("ideas", "Idées");
        assert_eq!(labels.get("ideas").map(|l| l.label.as_str()), Some("Idées"));
        assert_eq!(labels.0.len(), 1);
    }
}
