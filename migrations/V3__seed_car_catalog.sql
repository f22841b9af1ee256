-- Seeds the shared car catalog (car_brands, car_models) so that a new install is useful: the makes
-- commonly driven in France and Europe and their models, each listed once per nameplate with the first model
-- year it was sold in Europe (year_start) and the last (year_end, NULL when still on sale in 2026).
-- A nameplate that was dropped and later revived keeps its overall range (e.g. Ford Capri 1969 to NULL).
-- Models are inserted by brand name lookup. No transaction statements: the migration runner wraps this file.

INSERT INTO car_brands (name, created_at, updated_at) VALUES
    ('Renault', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Peugeot', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Citroën', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('DS', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Dacia', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Alpine', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Volkswagen', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Audi', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Škoda', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('SEAT', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Cupra', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Porsche', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('BMW', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Mini', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Mercedes-Benz', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Smart', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Opel', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Ford', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Fiat', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Alfa Romeo', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Lancia', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Jeep', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Abarth', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Toyota', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Lexus', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Nissan', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Honda', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Mazda', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Mitsubishi', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Suzuki', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Subaru', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Hyundai', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Kia', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Volvo', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Polestar', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Tesla', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Land Rover', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Jaguar', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('MG', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('BYD', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Ferrari', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Lamborghini', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Maserati', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Aston Martin', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Bentley', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Lotus', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Lynk & Co', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Genesis', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Chevrolet', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Iveco', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Rolls-Royce', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('McLaren', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Saab', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Rover', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Daewoo', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('SsangYong', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Infiniti', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Chrysler', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Dodge', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'),
    ('Leapmotor', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z');

-- Renault
WITH m(name, ys, ye) AS (VALUES
    ('4', 1961, 1994),
    ('5', 1972, 1996),
    ('Master', 1980, NULL),
    ('Trafic', 1980, NULL),
    ('25', 1984, 1992),
    ('Espace', 1984, NULL),
    ('Express', 1985, NULL),
    ('21', 1986, 1995),
    ('19', 1988, 1996),
    ('Clio', 1990, NULL),
    ('Safrane', 1992, 2000),
    ('Twingo', 1993, NULL),
    ('Laguna', 1994, 2015),
    ('Mégane', 1995, NULL),
    ('Scénic', 1996, NULL),
    ('Kangoo', 1997, NULL),
    ('Vel Satis', 2002, 2009),
    ('Grand Scénic', 2004, 2022),
    ('Modus', 2004, 2012),
    ('Koleos', 2008, 2022),
    ('Fluence', 2010, 2016),
    ('Wind', 2010, 2013),
    ('Twizy', 2012, 2023),
    ('Zoe', 2012, 2024),
    ('Captur', 2013, NULL),
    ('Kadjar', 2015, 2022),
    ('Talisman', 2016, 2022),
    ('Arkana', 2021, NULL),
    ('Austral', 2022, NULL),
    ('5 E-Tech', 2024, NULL),
    ('Rafale', 2024, NULL),
    ('Symbioz', 2024, NULL),
    ('4 E-Tech', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Renault';

-- Peugeot
WITH m(name, ys, ye) AS (VALUES
    ('504', 1968, 1983),
    ('104', 1972, 1988),
    ('505', 1979, 1992),
    ('205', 1983, 1998),
    ('309', 1985, 1993),
    ('405', 1987, 1997),
    ('605', 1989, 1999),
    ('106', 1991, 2003),
    ('306', 1993, 2002),
    ('806', 1994, 2002),
    ('Boxer', 1994, NULL),
    ('406', 1995, 2004),
    ('Expert', 1995, NULL),
    ('Partner', 1996, NULL),
    ('206', 1998, 2012),
    ('607', 1999, 2010),
    ('307', 2001, 2008),
    ('807', 2002, 2014),
    ('407', 2004, 2011),
    ('1007', 2005, 2009),
    ('107', 2005, 2014),
    ('207', 2006, 2012),
    ('308', 2007, NULL),
    ('4007', 2007, 2012),
    ('3008', 2009, NULL),
    ('5008', 2009, NULL),
    ('iOn', 2010, 2020),
    ('RCZ', 2010, 2015),
    ('508', 2011, NULL),
    ('208', 2012, NULL),
    ('4008', 2012, 2017),
    ('2008', 2013, NULL),
    ('108', 2014, 2021),
    ('Traveller', 2016, NULL),
    ('Rifter', 2018, NULL),
    ('408', 2022, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Peugeot';

-- Citroën
WITH m(name, ys, ye) AS (VALUES
    ('2CV', 1948, 1990),
    ('CX', 1974, 1991),
    ('Visa', 1978, 1988),
    ('BX', 1982, 1994),
    ('AX', 1986, 1998),
    ('XM', 1989, 2000),
    ('ZX', 1991, 1998),
    ('Xantia', 1993, 2001),
    ('Evasion', 1994, 2002),
    ('Jumper', 1994, NULL),
    ('Jumpy', 1995, NULL),
    ('Berlingo', 1996, NULL),
    ('Saxo', 1996, 2003),
    ('Xsara', 1997, 2006),
    ('Xsara Picasso', 1999, 2010),
    ('C5', 2001, 2017),
    ('C3', 2002, NULL),
    ('C8', 2002, 2014),
    ('C2', 2003, 2009),
    ('C4', 2004, NULL),
    ('C1', 2005, 2022),
    ('C6', 2005, 2012),
    ('Grand C4 Picasso', 2006, 2018),
    ('C-Crosser', 2007, 2012),
    ('C4 Picasso', 2007, 2018),
    ('Nemo', 2008, 2017),
    ('C3 Picasso', 2009, 2017),
    ('C-Zero', 2010, 2020),
    ('C4 Cactus', 2014, 2020),
    ('SpaceTourer', 2016, NULL),
    ('C3 Aircross', 2017, NULL),
    ('C4 SpaceTourer', 2018, 2022),
    ('C5 Aircross', 2018, NULL),
    ('Grand C4 SpaceTourer', 2018, 2022),
    ('Ami', 2020, NULL),
    ('C4 X', 2022, NULL),
    ('C5 X', 2022, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Citroën';

-- DS
WITH m(name, ys, ye) AS (VALUES
    ('DS 3', 2010, NULL),
    ('DS 4', 2011, NULL),
    ('DS 5', 2011, 2018),
    ('DS 4 Crossback', 2015, 2018),
    ('DS 7', 2017, NULL),
    ('DS 3 Crossback', 2019, 2022),
    ('DS 9', 2021, NULL),
    ('N°8', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'DS';

-- Dacia
WITH m(name, ys, ye) AS (VALUES
    ('Logan', 2004, NULL),
    ('Sandero', 2008, NULL),
    ('Sandero Stepway', 2009, NULL),
    ('Duster', 2010, NULL),
    ('Dokker', 2012, 2021),
    ('Lodgy', 2012, 2022),
    ('Spring', 2021, NULL),
    ('Jogger', 2022, NULL),
    ('Bigster', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Dacia';

-- Alpine
WITH m(name, ys, ye) AS (VALUES
    ('A310', 1971, 1984),
    ('GTA', 1985, 1991),
    ('A610', 1991, 1995),
    ('A110', 2017, NULL),
    ('A290', 2024, NULL),
    ('A390', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Alpine';

-- Volkswagen
WITH m(name, ys, ye) AS (VALUES
    ('Transporter', 1950, NULL),
    ('Passat', 1973, NULL),
    ('Golf', 1974, NULL),
    ('Scirocco', 1974, 2017),
    ('Polo', 1975, NULL),
    ('Jetta', 1979, 2018),
    ('Caddy', 1982, NULL),
    ('Corrado', 1988, 1995),
    ('Vento', 1992, 1998),
    ('Sharan', 1995, 2022),
    ('Bora', 1998, 2005),
    ('Lupo', 1998, 2005),
    ('New Beetle', 1998, 2010),
    ('Phaeton', 2002, 2016),
    ('Touareg', 2002, NULL),
    ('Touran', 2003, NULL),
    ('Fox', 2005, 2011),
    ('Golf Plus', 2005, 2014),
    ('Crafter', 2006, NULL),
    ('Eos', 2006, 2015),
    ('Tiguan', 2007, NULL),
    ('CC', 2008, 2016),
    ('Amarok', 2010, NULL),
    ('Beetle', 2011, 2019),
    ('up!', 2011, 2023),
    ('Golf Sportsvan', 2014, 2020),
    ('Arteon', 2017, 2024),
    ('T-Roc', 2017, NULL),
    ('Tiguan Allspace', 2017, 2024),
    ('T-Cross', 2019, NULL),
    ('ID.3', 2020, NULL),
    ('ID.4', 2021, NULL),
    ('Taigo', 2021, NULL),
    ('ID. Buzz', 2022, NULL),
    ('ID.5', 2022, NULL),
    ('ID.7', 2023, NULL),
    ('Tayron', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Volkswagen';

-- Audi
WITH m(name, ys, ye) AS (VALUES
    ('100', 1968, 1994),
    ('80', 1972, 1996),
    ('A4', 1994, 2024),
    ('A6', 1994, NULL),
    ('A8', 1994, NULL),
    ('A3', 1996, NULL),
    ('TT', 1998, 2023),
    ('A2', 2000, 2005),
    ('Q7', 2006, NULL),
    ('A5', 2007, NULL),
    ('R8', 2007, 2024),
    ('Q5', 2008, NULL),
    ('A1', 2010, NULL),
    ('A7', 2010, NULL),
    ('Q3', 2011, NULL),
    ('Q2', 2016, NULL),
    ('Q8', 2018, NULL),
    ('e-tron', 2019, 2022),
    ('e-tron GT', 2021, NULL),
    ('Q4 e-tron', 2021, NULL),
    ('Q8 e-tron', 2023, 2025),
    ('A6 e-tron', 2024, NULL),
    ('Q6 e-tron', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Audi';

-- Škoda
WITH m(name, ys, ye) AS (VALUES
    ('Favorit', 1988, 1994),
    ('Felicia', 1994, 2001),
    ('Octavia', 1996, NULL),
    ('Fabia', 1999, NULL),
    ('Superb', 2001, NULL),
    ('Roomster', 2006, 2015),
    ('Yeti', 2009, 2017),
    ('Citigo', 2012, 2020),
    ('Rapid', 2012, 2019),
    ('Karoq', 2017, NULL),
    ('Kodiaq', 2017, NULL),
    ('Kamiq', 2019, NULL),
    ('Scala', 2019, NULL),
    ('Enyaq', 2021, NULL),
    ('Elroq', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Škoda';

-- SEAT
WITH m(name, ys, ye) AS (VALUES
    ('Ibiza', 1984, NULL),
    ('Marbella', 1986, 1998),
    ('Toledo', 1991, 2019),
    ('Córdoba', 1993, 2009),
    ('Alhambra', 1996, 2020),
    ('Arosa', 1997, 2004),
    ('León', 1999, NULL),
    ('Altea', 2004, 2015),
    ('Exeo', 2009, 2013),
    ('Mii', 2012, 2021),
    ('Ateca', 2016, NULL),
    ('Arona', 2017, NULL),
    ('Tarraco', 2018, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'SEAT';

-- Cupra
WITH m(name, ys, ye) AS (VALUES
    ('Ateca', 2018, NULL),
    ('Formentor', 2020, NULL),
    ('Leon', 2020, NULL),
    ('Born', 2021, NULL),
    ('Tavascan', 2024, NULL),
    ('Terramar', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Cupra';

-- Porsche
WITH m(name, ys, ye) AS (VALUES
    ('356', 1948, 1965),
    ('911', 1964, NULL),
    ('914', 1969, 1976),
    ('924', 1976, 1988),
    ('928', 1977, 1995),
    ('944', 1982, 1991),
    ('968', 1992, 1995),
    ('Boxster', 1996, 2025),
    ('Cayenne', 2002, NULL),
    ('Carrera GT', 2004, 2006),
    ('Cayman', 2005, 2025),
    ('Panamera', 2009, NULL),
    ('918 Spyder', 2013, 2015),
    ('Macan', 2014, NULL),
    ('Taycan', 2020, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Porsche';

-- BMW
WITH m(name, ys, ye) AS (VALUES
    ('5 Series', 1972, NULL),
    ('3 Series', 1975, NULL),
    ('6 Series', 1976, 2023),
    ('7 Series', 1977, NULL),
    ('M5', 1985, NULL),
    ('M3', 1986, NULL),
    ('Z1', 1989, 1991),
    ('8 Series', 1990, NULL),
    ('Z3', 1996, 2002),
    ('X5', 2000, NULL),
    ('Z8', 2000, 2003),
    ('X3', 2003, NULL),
    ('Z4', 2003, NULL),
    ('1 Series', 2004, NULL),
    ('X6', 2008, NULL),
    ('X1', 2009, NULL),
    ('4 Series', 2013, NULL),
    ('i3', 2013, 2022),
    ('2 Series', 2014, NULL),
    ('2 Series Active Tourer', 2014, NULL),
    ('i8', 2014, 2020),
    ('M4', 2014, NULL),
    ('X4', 2014, NULL),
    ('2 Series Gran Tourer', 2015, 2022),
    ('M2', 2016, NULL),
    ('X2', 2018, NULL),
    ('X7', 2019, NULL),
    ('2 Series Gran Coupé', 2020, NULL),
    ('i4', 2021, NULL),
    ('iX', 2021, NULL),
    ('iX3', 2021, NULL),
    ('i7', 2022, NULL),
    ('iX1', 2022, NULL),
    ('i5', 2023, NULL),
    ('XM', 2023, NULL),
    ('iX2', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'BMW';

-- Mini
WITH m(name, ys, ye) AS (VALUES
    ('Cooper', 2001, NULL),
    ('Cabrio', 2004, NULL),
    ('Clubman', 2007, 2024),
    ('Countryman', 2010, NULL),
    ('Coupé', 2011, 2015),
    ('Roadster', 2012, 2015),
    ('Paceman', 2013, 2016),
    ('Aceman', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Mini';

-- Mercedes-Benz
WITH m(name, ys, ye) AS (VALUES
    ('SL', 1954, NULL),
    ('S-Class', 1972, NULL),
    ('G-Class', 1979, NULL),
    ('190', 1982, 1993),
    ('C-Class', 1993, NULL),
    ('E-Class', 1993, NULL),
    ('Sprinter', 1995, NULL),
    ('SLK', 1996, 2016),
    ('V-Class', 1996, NULL),
    ('Vito', 1996, NULL),
    ('A-Class', 1997, NULL),
    ('CLK', 1997, 2010),
    ('M-Class', 1998, 2015),
    ('Viano', 2003, 2014),
    ('CLS', 2004, 2023),
    ('B-Class', 2005, NULL),
    ('GLK', 2008, 2015),
    ('SLS AMG', 2010, 2014),
    ('Citan', 2012, NULL),
    ('CLA', 2013, NULL),
    ('GLA', 2014, NULL),
    ('AMG GT', 2015, NULL),
    ('GLC', 2015, NULL),
    ('GLE', 2015, NULL),
    ('GLS', 2016, NULL),
    ('SLC', 2016, 2020),
    ('X-Class', 2017, 2020),
    ('EQC', 2019, 2023),
    ('GLB', 2019, NULL),
    ('EQV', 2020, NULL),
    ('EQA', 2021, NULL),
    ('EQB', 2021, NULL),
    ('EQS', 2021, NULL),
    ('EQE', 2022, NULL),
    ('EQS SUV', 2022, NULL),
    ('T-Class', 2022, NULL),
    ('EQE SUV', 2023, NULL),
    ('CLE', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Mercedes-Benz';

-- Smart
WITH m(name, ys, ye) AS (VALUES
    ('Fortwo', 1998, 2024),
    ('Roadster', 2003, 2005),
    ('Forfour', 2004, 2021),
    ('#1', 2023, NULL),
    ('#3', 2024, NULL),
    ('#5', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Smart';

-- Opel
WITH m(name, ys, ye) AS (VALUES
    ('Kadett', 1962, 1991),
    ('Ascona', 1970, 1988),
    ('Manta', 1970, 1988),
    ('Corsa', 1982, NULL),
    ('Omega', 1986, 2003),
    ('Vectra', 1988, 2008),
    ('Calibra', 1989, 1997),
    ('Astra', 1991, NULL),
    ('Frontera', 1991, NULL),
    ('Combo', 1994, NULL),
    ('Tigra', 1994, 2009),
    ('Movano', 1998, NULL),
    ('Zafira', 1999, NULL),
    ('Agila', 2000, 2014),
    ('Vivaro', 2001, NULL),
    ('Meriva', 2003, 2017),
    ('Signum', 2003, 2008),
    ('Antara', 2007, 2015),
    ('Insignia', 2008, 2022),
    ('Ampera', 2012, 2015),
    ('Mokka', 2012, NULL),
    ('Adam', 2013, 2019),
    ('Cascada', 2013, 2019),
    ('Karl', 2015, 2019),
    ('Ampera-e', 2017, 2019),
    ('Crossland', 2017, 2024),
    ('Grandland', 2017, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Opel';

-- Ford
WITH m(name, ys, ye) AS (VALUES
    ('Transit', 1965, NULL),
    ('Escort', 1968, 2000),
    ('Capri', 1969, NULL),
    ('Granada', 1972, 1985),
    ('Fiesta', 1976, 2023),
    ('Sierra', 1982, 1993),
    ('Orion', 1983, 1993),
    ('Scorpio', 1985, 1998),
    ('Mondeo', 1993, 2022),
    ('Galaxy', 1995, 2023),
    ('Ka', 1996, 2016),
    ('Puma', 1997, NULL),
    ('Cougar', 1998, 2000),
    ('Focus', 1998, 2025),
    ('Ranger', 1999, NULL),
    ('Fusion', 2002, 2012),
    ('Tourneo Connect', 2002, NULL),
    ('Transit Connect', 2002, NULL),
    ('C-Max', 2003, 2019),
    ('Streetka', 2003, 2005),
    ('S-Max', 2006, 2023),
    ('Kuga', 2008, NULL),
    ('B-Max', 2012, 2017),
    ('Tourneo Custom', 2013, NULL),
    ('Transit Custom', 2013, NULL),
    ('EcoSport', 2014, 2022),
    ('Transit Courier', 2014, NULL),
    ('Mustang', 2015, NULL),
    ('Edge', 2016, 2020),
    ('Ka+', 2016, 2019),
    ('Explorer', 2020, NULL),
    ('Mustang Mach-E', 2021, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Ford';

-- Fiat
WITH m(name, ys, ye) AS (VALUES
    ('600', 1955, NULL),
    ('500', 1957, NULL),
    ('124 Spider', 1966, 2020),
    ('Fiorino', 1977, NULL),
    ('Ritmo', 1978, 1988),
    ('Panda', 1980, NULL),
    ('Ducato', 1981, NULL),
    ('Uno', 1983, 1995),
    ('Croma', 1985, 2010),
    ('Tipo', 1988, NULL),
    ('Cinquecento', 1991, 1998),
    ('Coupé', 1993, 2000),
    ('Punto', 1993, 2018),
    ('Ulysse', 1994, 2010),
    ('Barchetta', 1995, 2005),
    ('Brava', 1995, 2001),
    ('Bravo', 1995, 2014),
    ('Scudo', 1995, NULL),
    ('Marea', 1996, 2002),
    ('Multipla', 1998, 2010),
    ('Seicento', 1998, 2010),
    ('Doblò', 2000, NULL),
    ('Stilo', 2001, 2007),
    ('Idea', 2003, 2012),
    ('Sedici', 2006, 2014),
    ('Freemont', 2011, 2016),
    ('500L', 2012, 2022),
    ('500X', 2014, NULL),
    ('Fullback', 2016, 2019),
    ('Grande Panda', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Fiat';

-- Alfa Romeo
WITH m(name, ys, ye) AS (VALUES
    ('Giulietta', 1954, 2020),
    ('Giulia', 1962, NULL),
    ('Spider', 1966, 2010),
    ('33', 1983, 1994),
    ('75', 1985, 1992),
    ('164', 1987, 1998),
    ('155', 1992, 1998),
    ('145', 1994, 2001),
    ('146', 1994, 2001),
    ('GTV', 1995, 2005),
    ('156', 1997, 2005),
    ('166', 1998, 2007),
    ('147', 2000, 2010),
    ('GT', 2003, 2010),
    ('159', 2005, 2011),
    ('Brera', 2005, 2010),
    ('MiTo', 2008, 2018),
    ('4C', 2013, 2020),
    ('Stelvio', 2017, NULL),
    ('Tonale', 2022, NULL),
    ('Junior', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Alfa Romeo';

-- Lancia
WITH m(name, ys, ye) AS (VALUES
    ('Fulvia', 1963, 1976),
    ('Stratos', 1973, 1978),
    ('Delta', 1979, 2014),
    ('Prisma', 1982, 1989),
    ('Thema', 1984, 2014),
    ('Y10', 1985, 1995),
    ('Dedra', 1989, 1999),
    ('Kappa', 1994, 2001),
    ('Y', 1995, 2003),
    ('Lybra', 1999, 2005),
    ('Phedra', 2002, 2010),
    ('Thesis', 2002, 2009),
    ('Ypsilon', 2003, NULL),
    ('Musa', 2004, 2012),
    ('Voyager', 2011, 2015)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Lancia';

-- Jeep
WITH m(name, ys, ye) AS (VALUES
    ('Cherokee', 1984, 2023),
    ('Wrangler', 1987, NULL),
    ('Grand Cherokee', 1993, NULL),
    ('Compass', 2007, NULL),
    ('Renegade', 2014, NULL),
    ('Avenger', 2023, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Jeep';

-- Abarth
WITH m(name, ys, ye) AS (VALUES
    ('595', 2012, 2024),
    ('124 Spider', 2016, 2019),
    ('500e', 2023, NULL),
    ('600e', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Abarth';

-- Toyota
WITH m(name, ys, ye) AS (VALUES
    ('Land Cruiser', 1951, NULL),
    ('Corolla', 1966, NULL),
    ('Hilux', 1968, NULL),
    ('Celica', 1970, 2006),
    ('Starlet', 1978, 1999),
    ('Supra', 1978, NULL),
    ('Camry', 1983, NULL),
    ('MR2', 1984, 2007),
    ('RAV4', 1994, NULL),
    ('Avensis', 1997, 2018),
    ('Yaris', 1999, NULL),
    ('Prius', 2000, NULL),
    ('Yaris Verso', 2000, 2005),
    ('Corolla Verso', 2002, 2009),
    ('Aygo', 2005, 2022),
    ('Auris', 2007, 2018),
    ('iQ', 2009, 2015),
    ('Urban Cruiser', 2009, NULL),
    ('Verso', 2009, 2018),
    ('GT86', 2012, 2020),
    ('Prius+', 2012, 2021),
    ('Proace', 2013, NULL),
    ('Mirai', 2015, NULL),
    ('C-HR', 2016, NULL),
    ('GR Yaris', 2020, NULL),
    ('Proace City', 2020, NULL),
    ('Yaris Cross', 2021, NULL),
    ('Aygo X', 2022, NULL),
    ('bZ4X', 2022, NULL),
    ('Corolla Cross', 2022, NULL),
    ('GR86', 2022, 2024)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Toyota';

-- Lexus
WITH m(name, ys, ye) AS (VALUES
    ('LS', 1990, NULL),
    ('GS', 1993, 2018),
    ('IS', 1999, NULL),
    ('RX', 2000, NULL),
    ('CT', 2011, 2022),
    ('NX', 2014, NULL),
    ('LC', 2017, NULL),
    ('ES', 2019, NULL),
    ('UX', 2019, NULL),
    ('RZ', 2023, NULL),
    ('LBX', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Lexus';

-- Nissan
WITH m(name, ys, ye) AS (VALUES
    ('Micra', 1983, NULL),
    ('Terrano', 1987, 2006),
    ('Primera', 1990, 2008),
    ('Almera', 1995, 2006),
    ('X-Trail', 2001, NULL),
    ('Primastar', 2002, NULL),
    ('350Z', 2003, 2009),
    ('Murano', 2004, 2015),
    ('Navara', 2005, 2022),
    ('Note', 2006, 2017),
    ('Qashqai', 2007, NULL),
    ('Qashqai+2', 2008, 2013),
    ('370Z', 2009, 2020),
    ('GT-R', 2009, 2022),
    ('Pixo', 2009, 2013),
    ('Juke', 2010, NULL),
    ('Leaf', 2011, NULL),
    ('Ariya', 2022, NULL),
    ('Townstar', 2022, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Nissan';

-- Honda
WITH m(name, ys, ye) AS (VALUES
    ('Civic', 1973, NULL),
    ('Accord', 1976, 2015),
    ('Prelude', 1978, NULL),
    ('NSX', 1990, 2022),
    ('CR-V', 1997, NULL),
    ('HR-V', 1999, NULL),
    ('S2000', 1999, 2009),
    ('Insight', 2000, 2014),
    ('Jazz', 2002, NULL),
    ('FR-V', 2004, 2009),
    ('e', 2020, 2024),
    ('e:Ny1', 2023, NULL),
    ('ZR-V', 2023, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Honda';

-- Mazda
WITH m(name, ys, ye) AS (VALUES
    ('323', 1977, 2003),
    ('626', 1979, 2002),
    ('MX-5', 1990, NULL),
    ('Premacy', 1999, 2005),
    ('Mazda6', 2002, 2024),
    ('Mazda2', 2003, NULL),
    ('Mazda3', 2003, NULL),
    ('RX-8', 2003, 2010),
    ('Mazda5', 2005, 2015),
    ('CX-7', 2007, 2010),
    ('CX-5', 2012, NULL),
    ('CX-3', 2015, 2021),
    ('CX-30', 2019, NULL),
    ('MX-30', 2020, NULL),
    ('CX-60', 2022, NULL),
    ('CX-80', 2024, NULL),
    ('6e', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Mazda';

-- Mitsubishi
WITH m(name, ys, ye) AS (VALUES
    ('Lancer', 1973, 2017),
    ('Colt', 1978, NULL),
    ('L200', 1978, NULL),
    ('Pajero', 1982, 2019),
    ('Carisma', 1995, 2004),
    ('Space Star', 1998, NULL),
    ('Outlander', 2003, NULL),
    ('ASX', 2010, NULL),
    ('Eclipse Cross', 2018, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Mitsubishi';

-- Suzuki
WITH m(name, ys, ye) AS (VALUES
    ('Alto', 1981, 2014),
    ('Swift', 1984, NULL),
    ('Vitara', 1988, NULL),
    ('Baleno', 1995, 2019),
    ('Wagon R+', 1997, 2008),
    ('Grand Vitara', 1998, 2015),
    ('Jimny', 1998, 2024),
    ('Ignis', 2000, NULL),
    ('Liana', 2001, 2007),
    ('SX4', 2006, 2014),
    ('Splash', 2008, 2014),
    ('S-Cross', 2013, NULL),
    ('Celerio', 2014, 2019),
    ('Across', 2020, NULL),
    ('Swace', 2020, NULL),
    ('e Vitara', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Suzuki';

-- Subaru
WITH m(name, ys, ye) AS (VALUES
    ('Legacy', 1989, 2014),
    ('Impreza', 1992, NULL),
    ('Forester', 1997, NULL),
    ('Outback', 2000, NULL),
    ('BRZ', 2012, 2024),
    ('XV', 2012, 2023),
    ('Solterra', 2022, NULL),
    ('Crosstrek', 2023, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Subaru';

-- Hyundai
WITH m(name, ys, ye) AS (VALUES
    ('Lantra', 1990, 2000),
    ('Coupé', 1996, 2009),
    ('Atos', 1997, 2008),
    ('Matrix', 2001, 2010),
    ('Santa Fe', 2001, NULL),
    ('Getz', 2002, 2009),
    ('Tucson', 2004, NULL),
    ('i30', 2007, NULL),
    ('i10', 2008, NULL),
    ('i20', 2008, NULL),
    ('ix20', 2010, 2019),
    ('ix35', 2010, 2015),
    ('i40', 2011, 2019),
    ('Ioniq', 2016, 2022),
    ('Kona', 2017, NULL),
    ('Bayon', 2021, NULL),
    ('Ioniq 5', 2021, NULL),
    ('Staria', 2021, NULL),
    ('Ioniq 6', 2022, NULL),
    ('Inster', 2025, NULL),
    ('Ioniq 9', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Hyundai';

-- Kia
WITH m(name, ys, ye) AS (VALUES
    ('Sportage', 1995, NULL),
    ('Carens', 1999, 2019),
    ('Rio', 2000, 2023),
    ('Sorento', 2002, NULL),
    ('Picanto', 2004, NULL),
    ('Ceed', 2007, NULL),
    ('Soul', 2009, 2023),
    ('Venga', 2010, 2019),
    ('Optima', 2012, 2020),
    ('Niro', 2016, NULL),
    ('Stinger', 2017, 2023),
    ('Stonic', 2017, NULL),
    ('XCeed', 2019, NULL),
    ('EV6', 2021, NULL),
    ('EV3', 2024, NULL),
    ('EV9', 2024, NULL),
    ('EV4', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Kia';

-- Volvo
WITH m(name, ys, ye) AS (VALUES
    ('240', 1974, 1993),
    ('740', 1984, 1992),
    ('940', 1990, 1998),
    ('850', 1991, 1997),
    ('S40', 1995, 2012),
    ('V40', 1995, 2019),
    ('V70', 1996, 2016),
    ('C70', 1997, 2013),
    ('S90', 1997, NULL),
    ('V90', 1997, NULL),
    ('S80', 1998, 2016),
    ('S60', 2000, NULL),
    ('XC70', 2002, 2016),
    ('XC90', 2002, NULL),
    ('V50', 2004, 2012),
    ('C30', 2006, 2013),
    ('XC60', 2008, NULL),
    ('V60', 2011, NULL),
    ('XC40', 2018, NULL),
    ('C40', 2021, 2024),
    ('EC40', 2024, NULL),
    ('EX30', 2024, NULL),
    ('EX40', 2024, NULL),
    ('EX90', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Volvo';

-- Polestar
WITH m(name, ys, ye) AS (VALUES
    ('1', 2019, 2021),
    ('2', 2020, NULL),
    ('3', 2024, NULL),
    ('4', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Polestar';

-- Tesla
WITH m(name, ys, ye) AS (VALUES
    ('Roadster', 2009, 2012),
    ('Model S', 2013, NULL),
    ('Model X', 2016, NULL),
    ('Model 3', 2019, NULL),
    ('Model Y', 2021, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Tesla';

-- Land Rover
WITH m(name, ys, ye) AS (VALUES
    ('Range Rover', 1970, NULL),
    ('Discovery', 1989, NULL),
    ('Defender', 1990, NULL),
    ('Freelander', 1997, 2014),
    ('Range Rover Sport', 2005, NULL),
    ('Range Rover Evoque', 2011, NULL),
    ('Discovery Sport', 2015, NULL),
    ('Range Rover Velar', 2017, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Land Rover';

-- Jaguar
WITH m(name, ys, ye) AS (VALUES
    ('E-Type', 1961, 1975),
    ('XJ', 1968, 2019),
    ('XJS', 1975, 1996),
    ('XK', 1996, 2014),
    ('S-Type', 1999, 2007),
    ('X-Type', 2001, 2009),
    ('XF', 2008, 2024),
    ('F-Type', 2013, 2024),
    ('XE', 2015, 2024),
    ('F-Pace', 2016, 2025),
    ('E-Pace', 2018, 2024),
    ('I-Pace', 2018, 2024)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Jaguar';

-- MG
WITH m(name, ys, ye) AS (VALUES
    ('Midget', 1961, 1979),
    ('MGB', 1962, 1980),
    ('MGF', 1995, 2002),
    ('ZR', 2001, 2005),
    ('ZT', 2001, 2005),
    ('TF', 2002, 2011),
    ('MG3', 2013, NULL),
    ('ZS', 2017, NULL),
    ('HS', 2019, NULL),
    ('MG5', 2020, NULL),
    ('MG4', 2022, NULL),
    ('Cyberster', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'MG';

-- BYD
WITH m(name, ys, ye) AS (VALUES
    ('Tang', 2021, NULL),
    ('Atto 3', 2022, NULL),
    ('Han', 2022, NULL),
    ('Dolphin', 2023, NULL),
    ('Seal', 2023, NULL),
    ('Seal U', 2024, NULL),
    ('Atto 2', 2025, NULL),
    ('Dolphin Surf', 2025, NULL),
    ('Sealion 7', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'BYD';

-- Ferrari
WITH m(name, ys, ye) AS (VALUES
    ('308', 1975, 1985),
    ('Testarossa', 1984, 1991),
    ('328', 1985, 1989),
    ('F40', 1987, 1992),
    ('348', 1989, 1995),
    ('F355', 1994, 1999),
    ('360', 1999, 2005),
    ('F430', 2004, 2009),
    ('599', 2006, 2012),
    ('California', 2008, 2017),
    ('458', 2009, 2015),
    ('FF', 2011, 2016),
    ('488', 2015, 2019),
    ('GTC4Lusso', 2016, 2020),
    ('812 Superfast', 2017, 2023),
    ('Portofino', 2018, 2023),
    ('F8 Tributo', 2019, 2023),
    ('Roma', 2020, NULL),
    ('SF90 Stradale', 2020, NULL),
    ('296', 2022, NULL),
    ('Purosangue', 2023, NULL),
    ('12Cilindri', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Ferrari';

-- Lamborghini
WITH m(name, ys, ye) AS (VALUES
    ('Miura', 1966, 1973),
    ('Countach', 1974, 1990),
    ('Diablo', 1990, 2001),
    ('Murciélago', 2001, 2010),
    ('Gallardo', 2003, 2013),
    ('Aventador', 2011, 2022),
    ('Huracán', 2014, 2024),
    ('Urus', 2018, NULL),
    ('Revuelto', 2024, NULL),
    ('Temerario', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Lamborghini';

-- Maserati
WITH m(name, ys, ye) AS (VALUES
    ('Quattroporte', 1963, 2024),
    ('Ghibli', 1967, 2024),
    ('Biturbo', 1981, 1994),
    ('3200 GT', 1998, 2001),
    ('Coupé', 2001, 2007),
    ('Spyder', 2001, 2007),
    ('GranTurismo', 2007, NULL),
    ('GranCabrio', 2010, NULL),
    ('Levante', 2016, 2024),
    ('MC20', 2021, 2025),
    ('Grecale', 2022, NULL),
    ('MCPura', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Maserati';

-- Aston Martin
WITH m(name, ys, ye) AS (VALUES
    ('DB7', 1994, 2004),
    ('Vanquish', 2001, NULL),
    ('DB9', 2004, 2016),
    ('Vantage', 2005, NULL),
    ('DBS', 2007, 2024),
    ('Rapide', 2010, 2020),
    ('DB11', 2016, 2023),
    ('DBX', 2020, NULL),
    ('DB12', 2023, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Aston Martin';

-- Bentley
WITH m(name, ys, ye) AS (VALUES
    ('Mulsanne', 1980, 2020),
    ('Continental R', 1991, 2003),
    ('Arnage', 1998, 2009),
    ('Continental GT', 2003, NULL),
    ('Flying Spur', 2005, NULL),
    ('Bentayga', 2016, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Bentley';

-- Lotus
WITH m(name, ys, ye) AS (VALUES
    ('Esprit', 1976, 2004),
    ('Elise', 1996, 2021),
    ('Exige', 2000, 2021),
    ('Evora', 2009, 2021),
    ('Emira', 2022, NULL),
    ('Eletre', 2024, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Lotus';

-- Lynk & Co
WITH m(name, ys, ye) AS (VALUES
    ('01', 2021, NULL),
    ('02', 2025, NULL),
    ('08', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Lynk & Co';

-- Genesis
WITH m(name, ys, ye) AS (VALUES
    ('G70', 2021, NULL),
    ('G80', 2021, NULL),
    ('GV70', 2021, NULL),
    ('GV80', 2021, NULL),
    ('GV60', 2022, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Genesis';

-- Chevrolet
WITH m(name, ys, ye) AS (VALUES
    ('Corvette', 1953, NULL),
    ('Kalos', 2005, 2008),
    ('Lacetti', 2005, 2009),
    ('Matiz', 2005, 2010),
    ('Captiva', 2006, 2015),
    ('Aveo', 2008, 2015),
    ('Cruze', 2009, 2015),
    ('Spark', 2010, 2015),
    ('Orlando', 2011, 2015),
    ('Camaro', 2012, 2019),
    ('Trax', 2013, 2015)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Chevrolet';

-- Iveco
WITH m(name, ys, ye) AS (VALUES
    ('Daily', 1978, NULL),
    ('Eurocargo', 1991, NULL),
    ('Stralis', 2002, 2019),
    ('S-Way', 2019, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Iveco';

-- Rolls-Royce
WITH m(name, ys, ye) AS (VALUES
    ('Silver Shadow', 1965, 1980),
    ('Phantom', 2003, NULL),
    ('Ghost', 2010, NULL),
    ('Wraith', 2013, 2023),
    ('Dawn', 2016, 2023),
    ('Cullinan', 2018, NULL),
    ('Spectre', 2023, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Rolls-Royce';

-- McLaren
WITH m(name, ys, ye) AS (VALUES
    ('F1', 1992, 1998),
    ('12C', 2011, 2014),
    ('P1', 2013, 2015),
    ('650S', 2014, 2017),
    ('570S', 2015, 2021),
    ('720S', 2017, 2023),
    ('GT', 2019, 2024),
    ('Artura', 2022, NULL),
    ('750S', 2023, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'McLaren';

-- Saab
WITH m(name, ys, ye) AS (VALUES
    ('96', 1960, 1980),
    ('99', 1968, 1984),
    ('900', 1978, 1998),
    ('9000', 1984, 1998),
    ('9-5', 1997, 2011),
    ('9-3', 1998, 2011)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Saab';

-- Rover
WITH m(name, ys, ye) AS (VALUES
    ('200', 1984, 1999),
    ('800', 1986, 1999),
    ('400', 1990, 1999),
    ('Metro', 1990, 1994),
    ('600', 1993, 1999),
    ('100', 1994, 1998),
    ('25', 1999, 2005),
    ('45', 1999, 2005),
    ('75', 1999, 2005),
    ('Streetwise', 2003, 2005)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Rover';

-- Daewoo
WITH m(name, ys, ye) AS (VALUES
    ('Nexia', 1995, 1997),
    ('Lanos', 1997, 2002),
    ('Leganza', 1997, 2002),
    ('Nubira', 1997, 2004),
    ('Matiz', 1998, 2004),
    ('Tacuma', 2000, 2004),
    ('Kalos', 2002, 2004)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Daewoo';

-- SsangYong
WITH m(name, ys, ye) AS (VALUES
    ('Musso', 1993, NULL),
    ('Korando', 1996, NULL),
    ('Rexton', 2001, NULL),
    ('Kyron', 2005, 2011),
    ('Tivoli', 2015, NULL),
    ('Torres', 2023, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'SsangYong';

-- Infiniti
WITH m(name, ys, ye) AS (VALUES
    ('EX', 2008, 2013),
    ('FX', 2008, 2013),
    ('Q50', 2013, 2019),
    ('Q70', 2013, 2019),
    ('QX70', 2013, 2019),
    ('Q30', 2015, 2019),
    ('Q60', 2016, 2019),
    ('QX30', 2016, 2019)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Infiniti';

-- Chrysler
WITH m(name, ys, ye) AS (VALUES
    ('Voyager', 1988, 2010),
    ('PT Cruiser', 2000, 2010),
    ('Crossfire', 2004, 2007),
    ('300C', 2005, 2010),
    ('Sebring', 2007, 2010)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Chrysler';

-- Dodge
WITH m(name, ys, ye) AS (VALUES
    ('Viper', 1992, 2017),
    ('Caliber', 2006, 2011),
    ('Avenger', 2007, 2010),
    ('Nitro', 2007, 2011),
    ('Journey', 2008, 2011)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Dodge';

-- Leapmotor
WITH m(name, ys, ye) AS (VALUES
    ('C10', 2024, NULL),
    ('T03', 2024, NULL),
    ('B10', 2025, NULL)
)
INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at)
SELECT b.id, m.name, m.ys, m.ye, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM m JOIN car_brands b ON b.name = 'Leapmotor';
