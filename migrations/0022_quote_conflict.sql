-- Whether a job's quote rests on a price whose published sources disagree.
--
-- A price book flags a rate whose sources conflict (`conflict:` in `pricing/*.yaml`), and the
-- quote takes the higher figure. A job quoted on such a rate is expected to come in under its
-- quote, so the nightly quote accuracy counts those jobs apart: a quote error they explain is
-- not a pricing bug. NULL for jobs from before this column.
ALTER TABLE jobs ADD COLUMN quote_conflict boolean;
