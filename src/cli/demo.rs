//! `autotrack seed-demo`: a demo account with realistic vehicles, maintenances, garages and reviews, so that a
//! newcomer sees a populated system in one command. It refuses to run twice on the same database.

use chrono::Duration;
use serde_json::json;

use crate::app::AppState;
use crate::db::ts;
use crate::garages::repo::GarageFields;
use crate::maintenances::model::MaintenanceRow;
use crate::vehicles::model::VehicleRow;

/// (make, model, year, plate, VIN, colour, fuel, transmission)
type VehicleSeed = (
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
const VEHICLES: &[VehicleSeed] = &[
    (
        "Renault",
        "Clio",
        2019,
        "FG-482-KL",
        "VF1RJA00X63123456",
        "Gris Titanium",
        "diesel",
        "manual",
    ),
    (
        "Peugeot",
        "3008",
        2021,
        "GH-915-PR",
        "VF3MCYHZRLS123456",
        "Bleu Célèbes",
        "hybrid",
        "automatic",
    ),
    (
        "Tesla",
        "Model 3",
        2023,
        "HB-207-TX",
        "LRW3E7EK0PC123456",
        "Blanc nacré",
        "electric",
        "automatic",
    ),
];

/// (vehicle index, days from today, type, description, mileage, cost in cents, status)
type MaintenanceSeed = (
    usize,
    i64,
    &'static str,
    &'static str,
    i64,
    Option<i64>,
    &'static str,
);
const MAINTENANCES: &[MaintenanceSeed] = &[
    (
        0,
        -400,
        "Vidange moteur",
        "Huile 5W30, filtre à huile",
        60_200,
        Some(8_990),
        "COMPLETED",
    ),
    (
        0,
        -210,
        "Plaquettes de frein avant",
        "Plaquettes et contrôle des disques",
        67_800,
        Some(14_500),
        "COMPLETED",
    ),
    (
        0,
        -20,
        "Contrôle technique",
        "Contrôle périodique, aucun défaut majeur",
        74_100,
        Some(7_800),
        "COMPLETED",
    ),
    (
        0,
        5,
        "Vidange moteur",
        "Huile, filtres à huile et à air",
        76_000,
        Some(9_500),
        "SCHEDULED",
    ),
    (
        1,
        -300,
        "Révision constructeur",
        "Révision des 30 000 km",
        29_800,
        Some(24_900),
        "COMPLETED",
    ),
    (
        1,
        -60,
        "Pneumatiques",
        "4 pneus été 225/55 R18",
        38_400,
        Some(52_000),
        "COMPLETED",
    ),
    (
        1,
        1,
        "Climatisation",
        "Recharge et désinfection",
        41_000,
        Some(8_900),
        "SCHEDULED",
    ),
    (
        1,
        40,
        "Révision constructeur",
        "Révision des 45 000 km",
        45_000,
        None,
        "SCHEDULED",
    ),
    (
        2,
        -150,
        "Permutation des pneus",
        "Permutation avant/arrière",
        18_500,
        Some(4_000),
        "COMPLETED",
    ),
    (
        2,
        -10,
        "Filtre d'habitacle",
        "Remplacement du filtre HEPA",
        22_300,
        Some(6_500),
        "COMPLETED",
    ),
    (
        2,
        90,
        "Liquide de frein",
        "Contrôle et remplacement",
        30_000,
        None,
        "SCHEDULED",
    ),
];

/// (name, email, phone, address, city, postal code, latitude, longitude, specialties)
type GarageSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    &'static [&'static str],
);
const GARAGES: &[GarageSeed] = &[
    (
        "Garage du Marais",
        "contact@garagedumarais.example",
        "+33 1 42 72 10 10",
        "12 rue des Archives",
        "Paris",
        "75004",
        48.8589,
        2.3555,
        &["Mécanique générale", "Vidange", "Freins"],
    ),
    (
        "Atelier Batignolles Auto",
        "atelier@batignolles.example",
        "+33 1 43 87 22 45",
        "48 rue des Dames",
        "Paris",
        "75017",
        48.8839,
        2.3221,
        &["Électrique", "Hybride", "Diagnostic"],
    ),
    (
        "Pneus & Services Montparnasse",
        "bonjour@psm.example",
        "+33 1 45 38 91 02",
        "5 boulevard Edgar Quinet",
        "Paris",
        "75014",
        48.8410,
        2.3266,
        &["Pneumatiques", "Géométrie"],
    ),
    (
        "Carrosserie de Vincennes",
        "carrosserie@vincennes.example",
        "+33 1 43 28 60 70",
        "20 avenue de Paris",
        "Vincennes",
        "94300",
        48.8478,
        2.4358,
        &["Carrosserie", "Peinture"],
    ),
    (
        "Garage Bellecour",
        "contact@garagebellecour.example",
        "+33 4 78 37 55 12",
        "3 rue de la Charité",
        "Lyon",
        "69002",
        45.7561,
        4.8322,
        &["Mécanique générale", "Climatisation"],
    ),
    (
        "Auto Service Vieux-Port",
        "service@vieuxport.example",
        "+33 4 91 54 33 21",
        "30 quai de Rive Neuve",
        "Marseille",
        "13007",
        43.2918,
        5.3698,
        &["Diagnostic", "Freins", "Embrayage"],
    ),
    (
        "Garage des Chartrons",
        "accueil@chartrons.example",
        "+33 5 56 44 18 90",
        "75 cours de Verdun",
        "Bordeaux",
        "33000",
        44.8506,
        -0.5736,
        &["Vidange", "Contrôle technique"],
    ),
    (
        "E-Mobilité Lille",
        "contact@emobilite-lille.example",
        "+33 3 20 57 08 64",
        "14 rue Nationale",
        "Lille",
        "59000",
        50.6361,
        3.0586,
        &["Électrique", "Bornes de recharge"],
    ),
];

/// (garage index, rating, comment)
const REVIEWS: &[(usize, i64, &str)] = &[
    (
        0,
        5,
        "Accueil chaleureux, devis respecté et voiture prête le soir même.",
    ),
    (
        1,
        4,
        "Bon diagnostic sur ma Tesla, un peu d'attente pour le rendez-vous.",
    ),
    (2, 5, "Pneus montés rapidement, prix honnête."),
];

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
            let uid = crate::users::repo::insert(
                tx,
                &crate::users::repo::NewUser {
                    email: &mail,
                    password_hash: &hash,
                    first_name: "Camille",
                    last_name: "Martin",
                    phone_number: Some("+33 6 12 34 56 78"),
                    email_verified: true,
                    is_staff: false,
                },
                &now_s,
            )?;
            crate::user_settings::repo::insert_default(tx, uid, "fr", &now_s)?;
            // The demo account is on the Standard plan (when it exists) so that it can grow past the free limits.
            let plan = if crate::plans::repo::find_by_code(tx, "standard")?.is_some() {
                "standard".to_owned()
            } else {
                default_plan.clone()
            };
            crate::plans::repo::create_subscription(tx, uid, &plan, &now_s)?;
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
