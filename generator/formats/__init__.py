"""Reading and writing the forms a report's data takes: the standard workbook, the JSON document, file sniffing."""
