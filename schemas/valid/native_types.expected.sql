-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Native" (
    "id" INTEGER NOT NULL,
    "small" SMALLINT NOT NULL,
    "oid" OID NOT NULL,
    "big" BIGINT NOT NULL,
    "dec" DECIMAL(10,2) NOT NULL,
    "decAny" DECIMAL NOT NULL,
    "money" MONEY NOT NULL,
    "real" REAL NOT NULL,
    "dbl" DOUBLE PRECISION NOT NULL,
    "vc" VARCHAR(191) NOT NULL,
    "vcAny" VARCHAR NOT NULL,
    "ch" CHAR(2) NOT NULL,
    "text" TEXT NOT NULL,
    "inet" INET NOT NULL,
    "citext" CITEXT NOT NULL,
    "bit" BIT(3) NOT NULL,
    "varbit" VARBIT NOT NULL,
    "uuid" UUID NOT NULL,
    "xml" XML NOT NULL,
    "bytes" BYTEA NOT NULL,
    "ts" TIMESTAMP(6) NOT NULL,
    "tsz" TIMESTAMPTZ NOT NULL,
    "date" DATE NOT NULL,
    "time" TIME(3) NOT NULL,
    "timetz" TIMETZ NOT NULL,
    "flag" BOOLEAN NOT NULL,
    "json" JSON NOT NULL,
    "jsonb" JSONB NOT NULL,

    CONSTRAINT "Native_pkey" PRIMARY KEY ("id")
);


