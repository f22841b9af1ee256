//! `autotrack seed-demo`: a demo account with realistic vehicles, maintenances, garages and reviews, so that a
//! newcomer sees a populated system in one command. It refuses to run twice on the same database.

use chrono::Duration;
use serde_json::json;

use crate::app::AppState;
use crate::db::ts;
use crate::garages::repo::GarageFields;
use crate::maintenances::model::MaintenanceRow;
use crate::vehicles::model::VehicleRow;

mod data;
use data::{GARAGES, MAINTENANCES, REVIEWS, VEHICLES};

/// `seed-demo`: seeds, then says how to sign in on this installation.
pub async fn command(state: &AppState) -> anyhow::Result<std::process::ExitCode> {
    println!(
        "seeding demo data into {}",
        state.config.db_path().display()
    );
    let (email, password) = seed(state).await?;
    println!("demo account: {email} / {password}");
    println!("sign in at {}/api/auth/login", state.public_url);
    if state.config.otp_policy != crate::config::OtpPolicy::Off && state.mailer.is_none() {
        // The demo address receives no mail, and this server sends none: the code waits in the outbox.
        println!(
            "SMTP is not configured, so the login code is not mailed: after signing in, read it with \
             `autotrack outbox show --to {email}` (or run serve with AUTOTRACK_OTP_POLICY=off)"
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Seeds the demo data; returns the demo email and its password (printed once to the operator).
pub async fn seed(state: &AppState) -> anyhow::Result<(String, String)> {
    let email = "demo@autotrack.example".to_owned();
    let password = format!("Demo-{}", &crate::auth::secrets::new_jti()[..12]);
    let hash = state.hasher.hash(password.clone()).await?;
    let now = state.clock.now();
    let default_plan = state.config.default_plan.clone();
    let mail = email.clone();
    state
        .db
        .write(move |tx| {
            if crate::users::repo::find_by_email(tx, &mail)?.is_some() {
                return Err(crate::error::AppError::conflict(crate::i18n::Tr::new(
                    "The demo account already exists.",
                    "Le compte de démonstration existe déjà.",
                )));
            }
            let now_s = ts(now);
            // The demo account is on the Standard plan (when it exists) so that it can grow past the free limits.
            let plan = if crate::plans::repo::find_by_code(tx, "standard")?.is_some() {
                "standard".to_owned()
            } else {
                default_plan.clone()
            };
            let demo = crate::users::repo::NewUser {
                email: &mail,
                password_hash: &hash,
                first_name: "Camille",
                last_name: "Martin",
                phone_number: Some("+33 6 12 34 56 78"),
                email_verified: true,
                is_staff: false,
            };
            let uid = crate::users::register::create_account(tx, &demo, "fr", &plan, &now_s)?;
            let mut vehicle_ids = Vec::new();
            for (make, model, year, plate, vin, color, fuel, transmission) in VEHICLES {
                let v = VehicleRow {
                    id: 0,
                    owner_id: uid,
                    make: (*make).into(),
                    model: (*model).into(),
                    year: *year,
                    license_plate: Some((*plate).into()),
                    vin: Some((*vin).into()),
                    color: Some((*color).into()),
                    fuel_type: Some((*fuel).into()),
                    transmission: Some((*transmission).into()),
                    created_at: String::new(),
                    updated_at: String::new(),
                };
                vehicle_ids.push(crate::vehicles::repo::insert(tx, uid, &v, &now_s)?);
            }
            println!("  {} vehicles", vehicle_ids.len());
            for (vi, days, kind, description, mileage, cost, status) in MAINTENANCES {
                let date = (now + Duration::days(*days))
                    .date_naive()
                    .and_hms_opt(9, 0, 0)
                    .unwrap_or_default()
                    .and_utc();
                let m = MaintenanceRow {
                    id: 0,
                    vehicle_id: vehicle_ids[*vi],
                    created_by_id: uid,
                    performed_by_id: None,
                    service_date: ts(date),
                    service_type: (*kind).into(),
                    description: Some((*description).into()),
                    mileage: Some(*mileage),
                    cost_cents: *cost,
                    status: (*status).into(),
                    invoice_url: None,
                    reminder_sent: false,
                    created_at: String::new(),
                    updated_at: String::new(),
                    vehicle_make: String::new(),
                    vehicle_model: String::new(),
                    vehicle_year: 0,
                    vehicle_plate: None,
                };
                // Past work was recorded when it was done; planned work a month ago.
                let recorded = if *days < 0 {
                    date
                } else {
                    now - Duration::days(35)
                };
                crate::maintenances::repo::insert(tx, &m, &ts(recorded))?;
            }
            println!("  {} maintenances", MAINTENANCES.len());
            let mut garage_ids = Vec::new();
            for (name, mail, phone, address, city, postal, lat, lng, specialties) in GARAGES {
                let g = GarageFields {
                    name,
                    email: mail,
                    phone: Some(phone),
                    address,
                    city: Some(city),
                    postal_code: Some(postal),
                    country: Some("France"),
                    latitude: Some(*lat),
                    longitude: Some(*lng),
                    description: None,
                    specialties: json!(specialties).to_string(),
                    certifications: "[]".into(),
                };
                garage_ids.push(crate::garages::repo::insert(tx, &g, &now_s)?);
            }
            println!("  {} garages", garage_ids.len());
            for (gi, rating, comment) in REVIEWS {
                crate::garages::repo::insert_review(
                    tx,
                    garage_ids[*gi],
                    uid,
                    "Camille Martin",
                    *rating,
                    Some(comment),
                    &now_s,
                )?;
            }
            println!("  {} reviews", REVIEWS.len());
            Ok(())
        })
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "{}",
                e.detail.map(|d| d.en).unwrap_or_else(|| e.code.to_string())
            )
        })?;
    Ok((email, password))
}
