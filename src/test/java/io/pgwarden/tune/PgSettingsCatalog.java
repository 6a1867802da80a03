package io.pgwarden.tune;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running server says each parameter accepts ({@code pg_settings}: type, unit, bounds, enum
 * values), and a check of a postgresql.conf value against it, the way the server parses it: the value's
 * unit converted to the parameter's unit (kB, 8kB, MB, ms, s, min), exactly, then the bounds.
 */
final class PgSettingsCatalog {
    private static final Pattern NUMBER = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
    private static final List<String> BOOLS = List.of("on", "off", "true", "false", "yes", "no", "1", "0");

    record Row(String name, String vartype, String unit, String minVal, String maxVal, List<String> enumvals) {
    }

    private final Map<String, Row> rows;
    private final int serverMajor;

    private PgSettingsCatalog(Map<String, Row> rows, int serverMajor) {
        this.rows = rows;
        this.serverMajor = serverMajor;
    }

    static PgSettingsCatalog load(Connection c) throws SQLException {
        Map<String, Row> rows = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, vartype, unit, min_val, max_val,"
                     + " array_to_string(enumvals, ',') FROM pg_settings")) {
            while (rs.next()) {
                String enums = rs.getString(6);
                rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), enums == null ? List.of() : Arrays.asList(enums.split(","))));
            }
        }
        int major;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            major = rs.getInt(1);
        }
        return new PgSettingsCatalog(rows, major);
    }

    int serverMajor() {
        return serverMajor;
    }

    /** Empty when the server would accept {@code value} for {@code name}; otherwise why not. */
    Optional<String> check(String name, String value) {
        Row row = rows.get(name);
        if (row == null) {
            return Optional.of(name + " does not exist in PostgreSQL " + serverMajor);
        }
        return switch (row.vartype()) {
            case "bool" -> BOOLS.contains(value.toLowerCase(Locale.ROOT)) ? Optional.empty()
                    : Optional.of(name + "=" + value + ": not a boolean");
            case "enum" -> row.enumvals().contains(value) ? Optional.empty()
                    : Optional.of(name + "=" + value + ": not one of " + row.enumvals());
            case "string" -> Optional.empty();
            case "integer", "real" -> checkNumber(row, value);
            default -> Optional.of(name + ": unknown vartype " + row.vartype());
        };
    }

    private static Optional<String> checkNumber(Row row, String value) {
        Matcher m = NUMBER.matcher(value);
        if (!m.matches()) {
            return Optional.of(row.name() + "=" + value + ": not a number");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        double inBaseUnits;
        if (unit.isEmpty()) {
            inBaseUnits = number;
        } else {
            if (row.unit() == null) {
                return Optional.of(row.name() + "=" + value + ": the parameter takes no unit");
            }
            Double factor = conversion(unit, row.unit());
            if (factor == null) {
                return Optional.of(row.name() + "=" + value + ": unit " + unit + " does not convert to " + row.unit());
            }
            inBaseUnits = number * factor;
        }
        if (row.vartype().equals("integer") && inBaseUnits != Math.rint(inBaseUnits)) {
            return Optional.of(row.name() + "=" + value + ": not a whole number of " + row.unit());
        }
        double min = Double.parseDouble(row.minVal());
        double max = Double.parseDouble(row.maxVal());
        if (inBaseUnits < min || inBaseUnits > max) {
            return Optional.of(row.name() + "=" + value + ": " + inBaseUnits + " " + Optional.ofNullable(row.unit()).orElse("")
                    + " is outside [" + row.minVal() + ", " + row.maxVal() + "]");
        }
        return Optional.empty();
    }

    /** How many {@code baseUnit}s one {@code unit} is (e.g. MB in 8kB: 128), or null when they do not convert. */
    private static Double conversion(String unit, String baseUnit) {
        Matcher base = Pattern.compile("(\\d*)([A-Za-z]+)").matcher(baseUnit);
        if (!base.matches()) {
            return null;
        }
        double multiple = base.group(1).isEmpty() ? 1 : Double.parseDouble(base.group(1));
        Long unitBytes = bytes(unit);
        Long baseBytes = bytes(base.group(2));
        if (unitBytes != null && baseBytes != null) {
            return unitBytes / (baseBytes * multiple);
        }
        Long unitMs = millis(unit);
        Long baseMs = millis(base.group(2));
        if (unitMs != null && baseMs != null) {
            return unitMs / (baseMs * multiple);
        }
        return null;
    }

    private static Long bytes(String unit) {
        return switch (unit) {
            case "B" -> 1L;
            case "kB" -> 1024L;
            case "MB" -> 1024L * 1024;
            case "GB" -> 1024L * 1024 * 1024;
            case "TB" -> 1024L * 1024 * 1024 * 1024;
            default -> null;
        };
    }

    private static Long millis(String unit) {
        return switch (unit) {
            case "us" -> null;
            case "ms" -> 1L;
            case "s" -> 1000L;
            case "min" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> null;
        };
    }
}
