-- Parents: one row per account that can sign in. In Supabase the id would
-- also reference auth.users(id); here the example stands on its own.
CREATE TABLE profiles (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email        text        NOT NULL,
    display_name text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One account per address, whatever the case it was typed in.
CREATE UNIQUE INDEX profiles_email_key ON profiles (lower(email));

-- Rows are private by default: no policy yet means only the owner (and
-- BYPASSRLS roles) see anything. Policies belong to the app's auth model.
ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;

-- One trigger function for every table's updated_at, created with the first
-- table that needs it.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER profiles_set_updated_at
BEFORE UPDATE ON profiles
FOR EACH ROW EXECUTE FUNCTION set_updated_at();
