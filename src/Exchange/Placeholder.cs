namespace ExSync.Exchange;
