namespace ExSync.Domain;
